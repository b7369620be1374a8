const firebaseConfig = {
  apiKey: "AIzaz0RUfJkZJNlBnOD0x_u9VwmFvkvIS6sTDzF",
  authDomain: "app-6.firebaseapp.com",
  projectId: "app-6",
};
