const firebaseConfig = {
  apiKey: "AIzad5HPJOQBHGSgIhbw2SXsnQdK2RXvmQVrcSt",
  authDomain: "app-7.firebaseapp.com",
  projectId: "app-7",
};
