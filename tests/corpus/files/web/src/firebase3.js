const firebaseConfig = {
  apiKey: "AIzaT0pqqicvCQsC7uq9sUUs645__J8bx3Ud5L_",
  authDomain: "app-3.firebaseapp.com",
  projectId: "app-3",
};
